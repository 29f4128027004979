from django.urls import path

from fangkong.areas import views as areas_views

from .views import arrivals, households, imports, persons, screening

app_name = "people"
urlpatterns = [
    *imports.urlpatterns,
    *persons.urlpatterns,
    *households.urlpatterns,
    *arrivals.urlpatterns,
    *screening.urlpatterns,
    # Risk areas and the national division search are the areas app's, but their URLs are older than
    # that and their names (people:riskarea-list, people:division-search) are used everywhere: they stay.
    path("divisions/search/", areas_views.DivisionSearchView.as_view(), name="division-search"),
    path("risk-areas/", areas_views.RiskAreaListView.as_view(), name="riskarea-list"),
    path("risk-areas/add/", areas_views.RiskAreaEditView.as_view(), name="riskarea-add"),
    path("risk-areas/<int:pk>/edit/", areas_views.RiskAreaEditView.as_view(), name="riskarea-edit"),
    path("risk-areas/<int:pk>/end/", areas_views.RiskAreaEndView.as_view(), name="riskarea-end"),
]
