"""E-mail: digests for people who are away and invitations, through a durable queue (docs/email.md)."""
