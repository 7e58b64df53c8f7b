"""Defences around NiceGUI's HTTP and socket.io layers: headers, origins, cookies, file modes, socket events.

`server.py` installs each piece before `ui.run`; none of them knows about chat features.
"""
