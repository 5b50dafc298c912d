from django.urls import include, path

urlpatterns: list = [
    path("testgen/", include("dataquality.api.callback_urls")),
]
