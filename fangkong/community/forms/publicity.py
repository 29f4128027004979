from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import scope
from fangkong.core.forms import ScopedModelForm
from fangkong.core.roles import Action

from ..models import PUBLISHING_LEVELS, Notice, NoticeRelay, Question, Rumour
from ..services import relay_grids

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublishingForm(ScopedModelForm):
    """The area is one of the user's own, a village or above (a grid publishes nothing of its own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = self._meta.model.roles_by_action[Action.ADD]
        area = self.fields["area"]
        area.queryset = scope.areas_for(self.user, roles, PUBLISHING_LEVELS).active().order_by("path")
        area.label_from_instance = lambda item: item.label()
        if self.instance.pk is None and area.initial is None and "area" not in self.initial:
            first = area.queryset.first()
            self.initial["area"] = first.pk if first else None


class NoticeForm(PublishingForm):
    class Meta:
        model = Notice
        fields = ["area", "title", "body", "published_on"]
        widgets = {"published_on": DATE, "body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"area": _("Every grid below this area is to relay the notice.")}


class RumourForm(PublishingForm):
    class Meta:
        model = Rumour
        fields = ["area", "claim", "facts", "source", "refuted_on", "published"]
        widgets = {
            "refuted_on": DATE,
            "claim": forms.Textarea(attrs={"rows": 3}),
            "facts": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "area": _("The refutation applies to this area and every area below it."),
            "published": _("Published refutations show on the public page of every village concerned."),
        }


class QuestionForm(PublishingForm):
    class Meta:
        model = Question
        fields = ["area", "question", "answer", "published"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"published": _("Published answers show on the public page of every village concerned.")}


class RelayForm(ScopedModelForm):
    """A notice marked relayed in one of the user's grids below it, by one method or more."""

    class Meta:
        model = NoticeRelay
        fields = ["area", "door_to_door", "loudspeaker", "wechat_group", "note", "relayed_at"]
        labels = {"area": _("Grid")}
        widgets = {"relayed_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        area = self.fields["area"]
        area.queryset = relay_grids(notice, self.user).select_related("parent")
        area.label_from_instance = lambda item: item.label()
        area.empty_label = None
        self.fields["relayed_at"].required = False
        self.fields["relayed_at"].initial = None

    def validate_unique(self):
        """A grid marked again is the service's business (idempotent), not a form error."""

    def methods(self):
        return [name for name in ("door_to_door", "loudspeaker", "wechat_group") if self.cleaned_data.get(name)]
