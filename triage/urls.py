from django.urls import path

from triage import views

app_name = "triage"
urlpatterns = [
    path("clusters/<int:pk>/", views.cluster, name="cluster"),
    path("p/<slug:slug>/known-issues/", views.known_issues, name="known_issues"),
    path("fixed/", views.fixed_index, name="fixed_index"),
    path("fixed/<str:version>/", views.fixed, name="fixed"),
    path("similar/", views.similar, name="similar"),
]
