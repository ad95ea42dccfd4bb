# DeiT-LT with the small patch-4 ViT on CIFAR-10-LT IF100 at 32 px, the
# paper's augmentation and loss; 1200 epochs as the paper (scale
# train_cfg.max_epochs down for a quick run). Teacher: a ResNet-32 of this
# dataset, e.g. baselines/balanced-softmax_resnet32_cifar10lt.py:
#   --cfg-options model.teacher_config=configs/baselines/balanced-softmax_resnet32_cifar10lt.py \
#                 model.teacher_checkpoint=work_dirs/balanced-softmax_resnet32_cifar10lt/epoch_200.pth
_base_ = [
    '../_base_/models/deit-lt_vit-tiny-p4_cifar.py',
    '../_base_/datasets/cifar10lt_bs128.py',
    '../_base_/schedules/cifar_adamw_1200e_deit-lt.py',
    '../_base_/default_runtime.py',
]
model = dict(mixup_off_epoch=1100, head=dict(num_classes=10,
                                             reweight_epoch=1100))
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=32, padding=4),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(
            type='RandAugment',
            policies='timm_increasing',
            num_policies=2,
            total_level=10,
            magnitude_level=9,
            magnitude_std=0.5,
            hparams=dict(pad_val=[125, 123, 114])),
        dict(type='PackInputs'),
    ]))
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
