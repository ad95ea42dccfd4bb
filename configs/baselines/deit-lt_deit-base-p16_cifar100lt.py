# DeiT-LT (Rangwani et al., CVPR 2024) on CIFAR-100-LT IF100, the paper's
# setting: DeiT-B/16 with a distillation token, from scratch at 224 px,
# RandAugment (m9, mstd 0.5, increasing) + Mixup 0.8 / CutMix 1.0 + label
# smoothing 0.1, 1200 epochs, re-weighted distillation without Mixup from
# epoch 1100. Published: 55.6 (CIFAR-100-LT), 87.5 (CIFAR-10-LT).
# The paper's teacher is a ResNet-32 trained with PaCo + SAM; this plugin has
# no PaCo, so give the strongest ResNet-32 you have, e.g.
#   --cfg-options model.teacher_config=configs/baselines/balanced-softmax_resnet32_cifar100lt.py \
#                 model.teacher_checkpoint=work_dirs/balanced-softmax_resnet32_cifar100lt/epoch_200.pth
_base_ = [
    '../_base_/models/deit-lt_vit-tiny-p4_cifar.py',
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/schedules/cifar_adamw_1200e_deit-lt.py',
    '../_base_/default_runtime.py',
]
model = dict(
    mixup_off_epoch=1100,
    backbone=dict(
        _delete_=True,
        type='DistilledVisionTransformer',
        arch='deit-base',
        img_size=224,
        patch_size=16,
        drop_path_rate=0.1),
    head=dict(in_channels=768, reweight_epoch=1100))
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=32, padding=4),
        dict(type='Resize', scale=224, interpolation='bicubic'),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(
            type='RandAugment',
            policies='timm_increasing',
            num_policies=2,
            total_level=10,
            magnitude_level=9,
            magnitude_std=0.5,
            hparams=dict(pad_val=[125, 123, 114], interpolation='bicubic')),
        dict(type='PackInputs'),
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='Resize', scale=224, interpolation='bicubic'),
        dict(type='PackInputs'),
    ]))
test_dataloader = val_dataloader
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
