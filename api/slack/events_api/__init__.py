"""The Events API: deliveries from the queue (state/actions/app_deliveries.py) in Slack's shape, over a transport."""
