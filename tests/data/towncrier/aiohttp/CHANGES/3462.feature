``web.HTTPException`` and derived classes are not inherited from ``web.Response`` anymore.
