from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are created by the secretariat's invitations."""

    def is_open_for_signup(self, request):
        return False
