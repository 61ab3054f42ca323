from ninja.security import HttpBearer

from pevcoach.accounts.services import token_of_disabled_account, user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        elif token_of_disabled_account(token):
            request.account_disabled = True  # the 401 says so: the phone wipes what it holds
        return user
