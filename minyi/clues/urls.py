"""The clue library (线索库) under /work/clues/."""

from django.urls import path

from minyi.clues import views

urlpatterns = [
    path("", views.clue_list, name="clue-list"),
    path("new/", views.clue_new, name="clue-new"),
    path("mine/", views.my_clues, name="clue-mine"),
    path("groups/", views.group_list, name="clue-groups"),
    path("<int:pk>/", views.clue_detail, name="clue-detail"),
    path("<int:pk>/assign/", views.clue_assign, name="clue-assign"),
    path("<int:pk>/close/", views.clue_close, name="clue-close"),
    path("<int:pk>/link/", views.clue_link, name="clue-link"),
    path("<int:pk>/note/", views.clue_note, name="clue-note"),
    path("<int:pk>/suggest/", views.clue_suggest, name="clue-suggest"),
    path("<int:pk>/notes/<int:note>/file/", views.note_file, name="clue-note-file"),
    path(
        "<int:pk>/proposals/<int:proposal>/<slug:decision>/",
        views.proposal_decide,
        name="clue-proposal",
    ),
]
