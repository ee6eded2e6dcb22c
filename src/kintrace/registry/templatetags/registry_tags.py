from django import template

from ..models import DemoDataset

register = template.Library()


@register.simple_tag
def demo_loaded() -> bool:
    """True when `kintrace demo` loaded fictional data into this database."""
    return DemoDataset.objects.exists()


STATUS_CLASSES = {
    "alive": "st-alive",
    "returned": "st-alive",
    "wounded": "st-warn",
    "captured": "st-warn",
    "missing": "st-grave",
    "dead": "st-dead",
    "unknown": "st-unknown",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "st-unknown")


@register.filter
def percent(probability) -> str:
    """A probability as a percentage, in the reader's number format: 0.9312 -> "93,1 %".
    Near the ends one more digit, so 0.9996 is not shown as a certain "100 %"."""
    from django.utils.formats import number_format

    try:
        p = float(probability) * 100
    except (TypeError, ValueError):
        return ""
    if 99.99 < p < 100:  # never a rounded "100 %" that was not certain
        return f"> {number_format(99.99, 2)}\u00a0%"
    if 0 < p < 0.01:
        return f"< {number_format(0.01, 2)}\u00a0%"
    digits = 2 if (p > 99 or p < 1) and p not in (0.0, 100.0) else 1
    return f"{number_format(round(p, digits), digits)}\u00a0%"


@register.simple_tag(takes_context=True)
def page_query(context, number, param=None) -> str:
    """ "?…" for page `number` of the list paged by GET parameter `param` ("page" by default),
    keeping the page's other parameters (filters, sort, the other list's page)."""
    params = context["request"].GET.copy()
    params[param or "page"] = number
    return "?" + params.urlencode()
