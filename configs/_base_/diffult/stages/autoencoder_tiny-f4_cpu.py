# The latent autoencoder stage for any dataset, CPU-sized (the model and
# schedule of configs/autoencoder/latent-ae-tiny-f4_cifar10lt-jpg_cpu.py)
# without data: DiffuLTPipeline(stage_data='classifier') trains it on the
# classifier's real long-tailed set with the generator's pipeline (the
# generator stage config names this file in model.autoencoder).
_base_ = [
    '../../models/latent-autoencoder_tiny-f4.py',
    '../../schedules/autoencoder-cpu_adam_1000it.py',
    '../../default_runtime.py',
]
train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=None)  # the classifier's real set, generator pipeline
val_dataloader = None
val_cfg = None
val_evaluator = None
log_processor = dict(by_epoch=False)
default_hooks = dict(
    logger=dict(interval=20, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=200, max_keep_ckpts=2))
