"""Slack's `event_callback` envelope around one event."""

from __future__ import annotations

import base64
import json
from typing import Any

from api.slack.ids import app_sid, event_sid, team_sid, user_sid
from state.actions.app_deliveries import Claim
from state.integrations.signing import verification_token


def envelope(claim: Claim, event: dict[str, Any]) -> dict[str, Any]:
    team = team_sid(claim.workspace_id)
    app = app_sid(claim.app_id)
    context = {'et': event.get('type'), 'tid': team, 'aid': app}
    if isinstance(event.get('channel'), str):
        context['cid'] = event['channel']
    return {
        'token': verification_token(claim.signing_secret),
        'team_id': team,
        'context_team_id': team,
        'api_app_id': app,
        'event': event,
        'type': 'event_callback',
        'event_id': event_sid(claim.delivery_id),
        'event_time': int(claim.event_time.timestamp()),
        'authorizations': [
            {
                'enterprise_id': None,
                'team_id': team,
                'user_id': user_sid(claim.bot_user_id),
                'is_bot': True,
                'is_enterprise_install': False,
            }
        ],
        'is_ext_shared_channel': False,
        'event_context': '4-' + base64.urlsafe_b64encode(json.dumps(context).encode()).decode().rstrip('='),
    }
