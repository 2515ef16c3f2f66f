"""The admin site for the three administrator roles: the site, the base ModelAdmin every admin
of ours inherits (masking, logged reveal, refused lookups), and the protected-field table."""
