from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        """Register what the rooms below need from the rooms above them (the case file from the
        reviewer side; quality review from the letters room), so no import points upward."""
        from reviews.registrations import register  # cycle: app loading; models exist only now

        register()
