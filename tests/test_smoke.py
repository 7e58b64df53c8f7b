"""The app starts under NiceGUI's simulation and answers /healthz without building a page."""

from nicegui.testing import User


async def test_healthz_answers_without_a_client(user: User) -> None:
    response = await user.http_client.get('/healthz')
    assert response.status_code == 200
    assert response.json() == {'status': 'ok'}
