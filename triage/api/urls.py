"""/api/v1/: the engineering triage feed."""

from django.urls import path

from triage.api import views

app_name = "triage_api"

urlpatterns = [
    path("", views.FeedIndex.as_view(), name="index"),
    path("products/", views.ProductList.as_view(), name="product-list"),
    path("clusters/", views.ClusterList.as_view(), name="cluster-list"),
    path("clusters/<int:pk>/", views.ClusterDetail.as_view(), name="cluster-detail"),
    path("clusters/<int:pk>/threads/", views.ClusterThreads.as_view(), name="cluster-threads"),
]
