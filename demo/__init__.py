"""The demo data of `manage.py seed_demo`, one module per app it fills."""
