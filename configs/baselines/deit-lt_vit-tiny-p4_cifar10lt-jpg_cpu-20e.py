# DeiT-LT on the CPU protocol: real CIFAR-10-LT IF100 from the JPEG folder,
# 20 epochs on 2 cores, the small patch-4 ViT student and, as teacher, the
# Balanced-Softmax ResNet-32 of the same protocol (train it first:
#   python benchmarks/train_protocol.py configs/baselines/balanced-softmax_resnet32_cifar10lt-jpg_cpu-20e.py --seeds 0
# ). The recipe compressed 60x: AdamW lr 1e-3 at batch 128 without
# accumulation (a small ViT for 20 epochs; the paper's 5e-4 is for batch
# 1024 over 1200 epochs), 1 warm-up epoch, cosine; the DRW phase (no Mixup /
# CutMix, re-weighted distillation) in the last 2 epochs.
#
#   export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
#   python tools/train.py configs/baselines/deit-lt_vit-tiny-p4_cifar10lt-jpg_cpu-20e.py
_base_ = [
    '../_base_/models/deit-lt_vit-tiny-p4_cifar.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cifar_adamw_1200e_deit-lt.py',
    '../_base_/default_runtime.py',
]
model = dict(
    teacher_config='{{fileDirname}}/'
    'balanced-softmax_resnet32_cifar10lt-jpg_cpu-20e.py',
    teacher_checkpoint='work_dirs/benchmarks/'
    'balanced-softmax_resnet32_cifar10lt-jpg_cpu-20e/seed0/epoch_20.pth',
    mixup_off_epoch=18,
    head=dict(num_classes=10, reweight_epoch=18))
train_dataloader = dict(
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='RandomCrop', crop_size=32, padding=4),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(
                type='RandAugment',
                policies='timm_increasing',
                num_policies=2,
                total_level=10,
                magnitude_level=9,
                magnitude_std=0.5,
                hparams=dict(pad_val=[114, 123, 125])),  # BGR mean
            dict(type='PackInputs'),
        ])))
optim_wrapper = dict(optimizer=dict(lr=1e-3), accumulative_counts=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=19, eta_min=1e-5, by_epoch=True,
         begin=1, end=20),
]
train_cfg = dict(max_epochs=20, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
auto_scale_lr = dict(base_batch_size=128)
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
