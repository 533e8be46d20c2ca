from django.urls import path

from accounts import views

urlpatterns = [
    path("healthz", views.healthz),
    path("metrics", views.metrics),
    path("accounts", views.accounts),
    path("accounts/<uuid:account_id>", views.account),
]
