"""Deciding a move request."""

from django import forms


class MoveDecisionForm(forms.Form):
    move = forms.IntegerField()
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
