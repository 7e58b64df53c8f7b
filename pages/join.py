"""/join/{token}: an invite link. Logged out: sign up first (then come back); logged in: join and go there."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.notice import notice_card
from pages.session import current_user, redirect
from state.actions.workspaces import accept_invite
from state.errors import ActionError


@ui.page('/join/{token}', title='Join a workspace · Teamchat')
def join_page(token: str) -> RedirectResponse | None:
    user = current_user()
    if user is None:
        # The sign-up page links to log-in with the same `next`, for people who already have an account.
        return redirect('/signup?' + urlencode({'next': '/join/' + quote(token, safe='')}))
    try:
        workspace = accept_invite(user.id, token)
    except ActionError as error:
        notice_card('This invite cannot be used', error.message, testid='join-error')
        return None
    return redirect(f'/w/{workspace.slug}')
