"""The role queues under /work/ (the ledger, /work/ledger/, is minyi.ledger.urls)."""

from django.urls import path

from minyi.workbench import list_views as views
from minyi.workbench.search_views import order_search

urlpatterns = [
    path("", views.work_home, name="work-home"),
    path("dispatch/", views.dispatch_list, name="work-dispatch"),
    path("department/", views.department_list, name="work-department"),
    path("callback/", views.callback_list, name="work-callback"),
    path("mine/", views.mine_list, name="work-mine"),
    path("search/", order_search, name="work-search"),
]
