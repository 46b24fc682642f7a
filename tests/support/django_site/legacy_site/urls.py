from accounts import views
from django.urls import path

urlpatterns = [
    path("login/", views.log_in),
    path("me/", views.me),
    path("logout/", views.log_out),
]
