"""代表建议 pages, under /work/suggestions/."""

from django.urls import path

from minyi.suggestions import ledger_views, views, work_views

urlpatterns = [
    path("", views.suggestion_list, name="work-suggestions"),
    path("<int:pk>/", views.suggestion_detail, name="suggestion-detail"),
    path("<int:pk>/review/", views.suggestion_review, name="suggestion-review"),
    path("<int:pk>/assign/", views.suggestion_assign_view, name="suggestion-assign"),
    path("<int:pk>/reply/", work_views.reply_view, name="suggestion-reply"),
    path(
        "<int:pk>/replies/<int:reply_id>/attachment/",
        work_views.reply_attachment,
        name="suggestion-reply-attachment",
    ),
    path("<int:pk>/evaluate/", work_views.evaluate_view, name="suggestion-evaluate"),
    path("<int:pk>/resubmit/", work_views.resubmit_view, name="suggestion-resubmit"),
    path("department/", work_views.department_list, name="suggestions-department"),
    path("mine/", work_views.mine_list, name="suggestions-mine"),
    path("new/", work_views.new_suggestion, name="suggestion-new"),
    path("ledger/", ledger_views.ledger, name="suggestions-ledger"),
    path("ledger/export.xlsx", ledger_views.ledger_export, name="suggestions-ledger-export"),
]
