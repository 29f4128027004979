from .views import arrivals, households, imports, persons, screening

app_name = "people"
urlpatterns = [
    *imports.urlpatterns,
    *persons.urlpatterns,
    *households.urlpatterns,
    *arrivals.urlpatterns,
    *screening.urlpatterns,
]
