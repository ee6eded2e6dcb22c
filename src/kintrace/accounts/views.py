"""Placeholder views; the accounts work (issue 3/4) replaces these with login + TOTP."""

from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect


def login_view(request):
    return HttpResponse("login")


def two_factor_view(request):
    return HttpResponse("two-factor")


def logout_view(request):
    logout(request)
    return redirect("accounts:login")
