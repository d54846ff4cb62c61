from django.urls import path

from forum import views

app_name = "forum"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/", views.products, name="products"),
    path("p/<slug:slug>/", views.product, name="product"),
    path("new/", views.new_thread, name="new_thread"),
    path("t/<int:pk>/", views.thread_detail, name="thread"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/edit/", views.edit_thread, name="edit_thread"),
    path("t/<int:pk>/delete/", views.delete_thread, name="delete_thread"),
    path("t/<int:pk>/me-too/", views.me_too, name="me_too"),
    path("t/<int:pk>/follow/", views.follow, name="follow"),
    path("t/<int:pk>/flag/", views.flag, name="flag_thread"),
    path("t/<int:pk>/flag/<int:post_pk>/", views.flag, name="flag_post"),
    path("t/<int:pk>/pin/", views.pin, name="pin"),
    path("r/<int:pk>/", views.post_redirect, name="post"),
    path("r/<int:pk>/edit/", views.edit_post, name="edit_post"),
    path("r/<int:pk>/delete/", views.delete_post, name="delete_post"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("search/", views.search, name="search"),
    path("firmware/", views.firmware_suggestions, name="firmware_suggestions"),
    path("preview/", views.preview, name="preview"),
    path("t/<int:pk>/mentions/", views.mention_suggestions, name="mention_suggestions"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
