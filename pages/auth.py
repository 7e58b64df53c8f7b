"""/login, /signup and the /auth/complete hop that turns a checked login into a fresh session cookie."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import unquote, urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, background_tasks, run, ui

from db.models import User
from db.workspace_queries import invite_address
from pages.session import current_user, redirect, safe_next
from state.actions.accounts import authenticate, end_session, sign_up, start_session
from state.actions.claims import sign_up_or_claim
from state.errors import ActionError
from state.login_tickets import login_tickets
from state.security import new_token, token_hash
from state.web_session import forget_browser, previous_login, remember_session

# Messages for `?error=` codes; the query string only ever selects one, it never supplies text.
JOIN_PREFIX = '/join/'
ERRORS = {'ticket': 'That login took too long or was already used. Please log in again.'}


@ui.page('/login', title='Log in · Teamchat')
def login_page(next: str = '/', error: str = '') -> RedirectResponse | None:
    target = safe_next(next)
    if current_user() is not None:
        return redirect(target)
    client = ui.context.client
    ip, browser_id = client.ip, client.request.session['id']

    async def submit() -> None:
        user = await run.io_bound(authenticate, email.value or '', password.value or '', ip)
        _complete_login(user, browser_id, target)

    with _card('Log in to Teamchat'):
        email = _input('Email', 'login-email', autocomplete='username')
        password = _input('Password', 'login-password', password=True, autocomplete='current-password')
        message = _error_label(ERRORS.get(error, ''))
        _submit_button('Log in', 'login-submit', submit, message, [email, password])
        with ui.row().classes('text-sm gap-1'):
            ui.label('New here?')
            ui.link('Create an account', _with_next('/signup', target)).props('data-testid=signup-link')
    return None


@ui.page('/signup', title='Sign up · Teamchat')
def signup_page(next: str = '/') -> RedirectResponse | None:
    target = safe_next(next)
    if current_user() is not None:
        return redirect(target)
    client = ui.context.client
    ip, browser_id = client.ip, client.request.session['id']

    invite_token = _invite_token(target)

    async def submit() -> None:
        fields = (email.value or '', name.value or '', password.value or '', ip)
        if invite_token:  # came through an invite link: it may claim an imported account (state/actions/claims.py)
            user = await run.io_bound(sign_up_or_claim, *fields, invite_token)
        else:
            user = await run.io_bound(sign_up, *fields)
        _complete_login(user, browser_id, target)

    with _card('Create your account'):
        email = _input('Email', 'signup-email', autocomplete='username')
        if invite_token:  # an invitation made for an address (perhaps an imported account's): start with it
            email.value = invite_address(token_hash(invite_token))
        name = _input('Your name', 'signup-name', autocomplete='name')
        password = _input(
            'Password (at least 8 characters)', 'signup-password', password=True, autocomplete='new-password'
        )
        message = _error_label('')
        _submit_button('Sign up', 'signup-submit', submit, message, [email, name, password])
        with ui.row().classes('text-sm gap-1'):
            ui.label('Already have an account?')
            ui.link('Log in', _with_next('/login', target)).props('data-testid=login-link')
    return None


@app.get('/auth/complete', include_in_schema=False)
async def complete_login(request: Request, ticket: str = '', next: str = '/') -> RedirectResponse:
    """Redeem a login ticket: new cookie session id (no fixation), a new DB session, then on to `next`."""
    target = safe_next(next)
    old_id, old_token = previous_login(request)
    user_id = login_tickets.redeem(ticket, old_id)
    if user_id is None:
        return RedirectResponse('/login?' + urlencode({'next': target, 'error': 'ticket'}), status_code=303)
    token, row = start_session(user_id)
    # Whoever used this browser before is logged out: their session ends now and their storage goes.
    if old_token is not None:
        end_session(old_token)
    forget_browser(old_id)
    # A fresh cookie id (no session fixation) and a fresh storage; the token goes into the cookie only.
    await remember_session(request, new_token(), token, row.id or 0)
    return RedirectResponse(target, status_code=303)


def _complete_login(user: User | None, browser_id: str, target: str) -> None:
    if user is None or user.id is None:  # run.io_bound returns None only when the app is shutting down
        return
    ticket = login_tickets.issue(user.id, browser_id)
    ui.navigate.to('/auth/complete?' + urlencode({'ticket': ticket, 'next': target}))


def _invite_token(target: str) -> str:
    """The invite token when the sign-up continues to an invite link (/join/{token}), else ''."""
    if not target.startswith(JOIN_PREFIX):
        return ''
    return unquote(target[len(JOIN_PREFIX) :].split('?', 1)[0])


def _with_next(path: str, target: str) -> str:
    return path if target == '/' else f'{path}?{urlencode({"next": target})}'


def _card(title: str) -> ui.card:
    with ui.column().classes('w-full items-center pt-16'), ui.card().classes('w-96 max-w-full p-6 gap-3') as card:
        ui.label(title).classes('text-xl font-semibold')
    return card


def _input(label: str, testid: str, *, password: bool = False, autocomplete: str = '') -> ui.input:
    field = ui.input(label, password=password).classes('w-full')
    field.props(f'outlined dense data-testid={testid} autocomplete={autocomplete}').mark(testid)
    return field


def _error_label(text: str) -> ui.label:
    label = (
        ui.label(text).classes('text-negative text-sm').props('data-testid=auth-error role=alert').mark('auth-error')
    )
    label.visible = bool(text)
    return label


def _submit_button(
    text: str, testid: str, action: Callable[[], Awaitable[None]], message: ui.label, fields: list[ui.input]
) -> ui.button:
    def start() -> None:
        # Synchronous on purpose: the button is disabled before the next click or Enter can arrive.
        if not button.enabled:
            return
        button.disable()
        button.props('loading')
        message.visible = False
        background_tasks.create(finish(), name=f'{testid} form', context=button)

    async def finish() -> None:
        try:
            await action()
        except ActionError as error:
            message.text = error.message
            message.visible = True
        finally:
            button.enable()
            button.props(remove='loading')

    button = ui.button(text, on_click=start).classes('w-full').props(f'unelevated data-testid={testid}').mark(testid)
    for field in fields:
        field.on('keydown.enter', start)
    return button
