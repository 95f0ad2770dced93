"""The portal's own pages: the home page (a dashboard per persona, the public page for
visitors) and the error pages."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.http import require_safe

from conferences.publication import selectors as public
from governance import perms
from governance import selectors as governance_selectors
from governance.models import User
from portal import selectors


@login_not_required
@require_safe
def home(request):
    user = request.user
    if not user.is_authenticated:
        # Town halls and citizens: the public bodies and their latest publications, so that a
        # session's documents are two clicks away (home -> body's public page -> download).
        return render(
            request,
            "portal/home_public.html",
            {
                "bodies": list(public.public_bodies()),
                "publications": public.latest_publications(),
            },
        )
    context = {
        "memberships": selectors.my_memberships(user),
        "mandates": selectors.my_mandates(user),
    }
    if perms.is_secretariat(user):
        context.update(selectors.secretariat_dashboard(user))
        template = "portal/home_secretariat.html"
    elif user.role == User.Role.DGS:
        context["commune"] = selectors.dgs_commune(user)
        template = "portal/home_dgs.html"
    elif user.role == User.Role.AGENT:
        context["bodies"] = list(governance_selectors.body_list(user))
        template = "portal/home_agent.html"
    else:
        template = "portal/home_elected.html"
    return render(request, template, context)


# Error pages in French. Django's handlers are kept (they set the status, and fall back to a
# plain page should the template itself fail); only the template changes.


def bad_request(request, exception):
    return defaults.bad_request(request, exception, template_name="portal/errors/400.html")


def permission_denied(request, exception):
    return defaults.permission_denied(request, exception, template_name="portal/errors/403.html")


def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="portal/errors/404.html")


def server_error(request):
    # Rendered without a request context (no context processor, no session, no user): the
    # database may be the very thing that is down.
    return defaults.server_error(request, template_name="portal/errors/500.html")
