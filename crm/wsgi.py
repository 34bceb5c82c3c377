"""The app for a production WSGI server, configured by the ``CRM_*`` environment variables:

gunicorn --workers 2 --bind 127.0.0.1:8000 'crm.wsgi:app'
"""

import gc

from crm import create_app

app = create_app()
# What the app has loaded by now (modules, models, mappers, catalogs) lives as long as the process: freezing it
# keeps the garbage collector's full passes from walking all of it again and again while requests are served.
gc.collect()
gc.freeze()
