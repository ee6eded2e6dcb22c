from django import template

from kintrace.remains.selectors import antemortem_for, person_identifications

register = template.Library()


@register.inclusion_tag("remains/_person_remains.html")
def person_remains(person):
    """The man's description before death and the remains proposed for him (person page)."""
    return {
        "person": person,
        "ante": antemortem_for(person),
        "proposals": list(person_identifications(person)),
    }
