from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/token/", views.IssueTokenView.as_view(), name="issue-token"),
    path("profile/language/", views.LanguageView.as_view(), name="language"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password-done")),
        name="password-change",
    ),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password-done"),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/add/", views.UserCreateView.as_view(), name="user-add"),
    path("users/<int:pk>/", views.UserView.as_view(), name="user"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user-edit"),
    path("memberships/add/", views.MembershipCreateView.as_view(), name="membership-add"),
    path("memberships/<int:pk>/delete/", views.MembershipDeleteView.as_view(), name="membership-delete"),
]
