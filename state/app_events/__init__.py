"""The Events API's state side: which internal events apps hear of (kinds), the outbox written in the sender's
transaction (outbox), and the queue of per-app deliveries with its claims, retries and pruning (queue)."""
