"""The servers under test: each target starts its server and says how its tabs are opened."""
