"""Template tags other parts' staff pages use to show the intake's state."""

from django import template

from kintrace.intake.selectors import unread_for_person

register = template.Library()


@register.inclusion_tag("intake/_person_unread.html")
def person_unread(person):
    """A line on the person page when relatives wrote about him and nobody has read it."""
    return {"person": person, "unread": unread_for_person(person.pk)}
