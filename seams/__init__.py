"""The bottom layer: the one place that reaches into libraries' private internals (`nicegui_internals`).

It imports nothing of ours, so every layer above (`db`, `hardening`, `state`, `components`, `api`, `pages`)
may use it.
"""
