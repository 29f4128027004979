from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.AreaListView.as_view(), name="list"),
    path("<str:code>/", views.AreaView.as_view(), name="area"),
    path("<str:village>/grids/add/", views.GridEditView.as_view(), name="grid-add"),
    path("<str:code>/edit/", views.GridEditView.as_view(), name="grid-edit"),
    path("<str:code>/retire/", views.GridRetireView.as_view(), name="grid-retire"),
]
