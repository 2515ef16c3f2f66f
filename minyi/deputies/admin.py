from django.contrib import admin

from minyi.deputies.models import Congress, Deputy, DeputyPhone, LiaisonStation, Mandate


class PhoneInline(admin.TabularInline):
    model = DeputyPhone
    extra = 0


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ("congress", "station")


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "is_active", "levels")
    list_filter = ("is_active", "mandates__level")
    search_fields = ("name", "phones__number")
    inlines = [PhoneInline, MandateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mandates__congress")

    @admin.display(description="代表资格")
    def levels(self, obj: Deputy) -> str:
        return "、".join(m.congress.name for m in obj.mandates.all() if m.ended_on is None)


@admin.register(Congress)
class CongressAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "region")
    list_filter = ("level",)
    search_fields = ("name",)


@admin.register(LiaisonStation)
class LiaisonStationAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "contact_name", "contact_phone")
    search_fields = ("name",)
