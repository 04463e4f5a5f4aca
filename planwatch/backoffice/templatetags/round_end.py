"""What the round's end adds to existing work pages, asked of the permission rules."""

from django import template

from planwatch.reporting import permissions

register = template.Library()


@register.filter
def withdrawable_by(contribution, user) -> bool:
    return permissions.can_withdraw_contribution(user, contribution)
