"""The only door through which anything changes: actions, typed events, the topic bus and live stores."""
