"""The caseworker's choice of what a family is shown (text items of the remains only)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kintrace.web.fields import TextField


class FamilyReviewForm(forms.Form):
    report = forms.IntegerField(
        label=_("Report number"),
        min_value=1,
        help_text=_("The relative of this report sees the selection in their inbox."),
    )
    items = forms.MultipleChoiceField(
        label=_("What the family is shown"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Descriptions only: photos of the body are never shown to a family."),
    )
    note = TextField(
        label=_("A word to the family"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(i["key"], i["text"]) for i in items]
