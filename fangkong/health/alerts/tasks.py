"""Celery task that sends one alert delivery (fangkong.health.alerts.services.deliver)."""

from celery import shared_task

from . import services


@shared_task(name="fangkong.health.alerts.tasks.deliver_alert")
def deliver_alert(delivery_id):
    services.deliver(delivery_id)
