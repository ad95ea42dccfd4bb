# DiffuLT's generator stage for any dataset, CPU-sized: the tiny UNet of
# configs/diffusion/diffult-tiny_unet_cifar10lt-jpg_cpu.py (1.1 M
# parameters, 32 x 32, L_DDPM + L_CBDM; the schedule of
# ../../schedules/diffusion-tiny-cpu_adam_750it.py) without its CIFAR
# data: the training set (with a horizontal flip only if the classifier's pipeline flips), the class count
# and the quality metric's real images come from the classifier config
# (DiffuLTSynthesisHook(stage_data='classifier');
# diffult_plugin/diffult/stage_data.py).
_base_ = [
    '../../models/diffult_ddpm_unet_cifar.py',
    '../../schedules/diffusion-tiny-cpu_adam_750it.py',
    '../../default_runtime.py',
]
model = dict(
    num_classes='auto',
    unet='tiny',
    image_size=32,
    data_preprocessor=dict(type='DiffusionDataPreprocessor', to_rgb=True),
    aid=None,
    ada=None,
    sample_cfg=dict(
        num_steps=25, sampler='ddim', guidance_scale=8.0, seed=0,
        batch_size=250))
train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=None)  # the classifier's real set, generator pipeline
# Generator validation: at most 500 guided samples, whatever the class count.
val_dataloader = dict(
    batch_size=250,
    num_workers=0,
    dataset=dict(type='ClassLabelDataset', num_classes='auto', per_class=50,
                 max_total=500),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(
    type='Phi0GeneratorQuality',
    phi0_config=None,  # handed over by the pipeline
    phi0_checkpoint=None,
    real_dataset=None)
train_cfg = dict(val_interval=750)
default_hooks = dict(
    logger=dict(interval=20, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=100, max_keep_ckpts=2))
