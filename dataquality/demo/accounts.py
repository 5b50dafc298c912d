"""The demo login: a superuser with a known password and a REST token, made or refreshed on every start."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token


def ensure_demo_user(username: str, password: str) -> str:
    """Create or update the superuser and return its REST token key (the same key on every run)."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
