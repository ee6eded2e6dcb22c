from django import template

from ..models import DemoDataset

register = template.Library()


@register.simple_tag
def demo_loaded() -> bool:
    """True when `kintrace demo` loaded fictional data into this database."""
    return DemoDataset.objects.exists()


STATUS_CLASSES = {
    "alive": "st-alive", "returned": "st-alive", "wounded": "st-warn", "captured": "st-warn",
    "missing": "st-grave", "dead": "st-dead", "unknown": "st-unknown",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "st-unknown")


@register.simple_tag(takes_context=True)
def page_query(context, number, param=None) -> str:
    """"?…" for page `number` of the list paged by GET parameter `param` ("page" by default),
    keeping the page's other parameters (filters, sort, the other list's page)."""
    params = context["request"].GET.copy()
    params[param or "page"] = number
    return "?" + params.urlencode()
