from django.urls import include, path

from planwatch.milestones import views as milestone_views

from . import about, lineage, views

app_name = "portal"
urlpatterns = [
    path("", include("planwatch.portal.download_urls")),
    path("", views.home, name="home"),
    path("accessibility/", about.accessibility, name="accessibility"),
    path("plans/<slug:plan>/", views.plan_detail, name="plan"),
    path("plans/<slug:plan>/measures/", views.measure_list, name="measures"),
    path("plans/<slug:plan>/measures/<int:number>/", views.measure_detail, name="measure"),
    path("plans/<slug:plan>/comparison/", lineage.comparison, name="comparison"),
    path("plans/<slug:plan>/differences/", views.differences, name="differences"),
    path("plans/<slug:plan>/coverage/", views.coverage, name="coverage"),
    path("plans/<slug:plan>/indicators/", views.indicator_list, name="indicators"),
    path("plans/<slug:plan>/progress-method/", views.progress_method, name="progress_method"),
    path("plans/<slug:plan>/data/", views.open_data, name="data"),
    path("plans/<slug:plan>/confidence/", milestone_views.confidence, name="confidence"),
    path("plans/<slug:plan>/indicators/<slug:code>/", views.indicator_detail, name="indicator"),
]
