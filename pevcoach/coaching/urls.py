from django.urls import path

from pevcoach.coaching import views

app_name = "coaching"
urlpatterns = [
    path("", views.relationship_list, name="list"),
    path("new/", views.propose, name="propose"),
    path("practice/", views.practice, name="practice"),
    path("actions/", views.my_actions, name="my_actions"),
    path("ratings/", views.ratings, name="ratings"),
    path("r/<uuid:pk>/", views.relationship_detail, name="relationship"),
    path("r/<uuid:pk>/decision/", views.relationship_decision, name="decision"),
    path("r/<uuid:pk>/sessions/new/", views.schedule, name="schedule"),
    path("r/<uuid:pk>/record/", views.record, name="record"),
    path("r/<uuid:pk>/goals/new/", views.goal_new, name="goal_new"),
    path("r/<uuid:pk>/actions/new/", views.action_new, name="action_new"),
    path("r/<uuid:pk>/feedback/", views.feedback_new, name="feedback"),
    path("r/<uuid:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("s/<uuid:pk>/", views.session_detail, name="session"),
    path("s/<uuid:pk>/finish/", views.finish, name="finish"),
    path("s/<uuid:pk>/confirm/", views.confirm, name="confirm"),
    path("s/<uuid:pk>/not-held/", views.not_held, name="not_held"),
    path("s/<uuid:pk>/checklist/", views.checklist_new, name="checklist_new"),
    path("s/<uuid:pk>/<str:stage>/", views.stage, name="stage"),
    path("c/<uuid:pk>/", views.checklist_detail, name="checklist"),
    path("g/<uuid:pk>/", views.goal_detail, name="goal"),
    path("g/<uuid:pk>/status/", views.goal_status, name="goal_status"),
    path("a/<uuid:pk>/", views.action_detail, name="action"),
    path("a/<uuid:pk>/decide/", views.decide_proposed, name="decide_proposed"),
    path("e/<uuid:pk>/review/", views.review, name="review"),
    path("e/<uuid:pk>/photo/", views.evidence_photo, name="evidence_photo"),
]
