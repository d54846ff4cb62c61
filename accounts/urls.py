from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.edit_profile, name="edit_profile"),
    path("u/<int:pk>/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
]
