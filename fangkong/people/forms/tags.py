"""Key-person categories."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ScopedModelForm

from ..models import KeyPersonTag


class KeyPersonTagForm(ScopedModelForm):
    class Meta:
        model = KeyPersonTag
        fields = ["code", "name", "name_en"]
        help_texts = {"code": _("Lower-case letters, digits and underscores; used by the API and imports.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Codes are what the API, imports and filters refer to: renaming changes only the names.
            self.fields["code"].disabled = True
