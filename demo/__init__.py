"""`python main.py seed-demo`: a lived-in demo workspace built through the ordinary actions."""
