# SHIKE (Jin et al., CVPR 2023), 3 experts, ResNet-32 on CIFAR-10-LT IF100,
# its CIFAR recipe: 180 epochs of the DKT loss, then 20 epochs re-training
# a second classifier set with Balanced Softmax; crop + flip +
# AutoAugment (CIFAR-10 policy) + Cutout 16. Published (CIFAR-100-LT): 56.3.
_base_ = [
    '../_base_/models/shike-3exp_resnet32_cifar.py',
    '../_base_/datasets/cifar10lt_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_shike.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=10))
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=32, padding=4),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='CIFAR10AutoAugment'),
        # Cutout after normalisation fills 0, i.e. the mean colour.
        dict(type='Cutout', shape=16, prob=1.0,
             pad_val=(125, 123, 114)),
        dict(type='PackInputs'),
    ]))
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
    # Stage 2: only the re-trained classifiers learn; BN stays in train
    # mode as in the official code.
    dict(
        type='ClassifierRetrainHook',
        begin_epoch=180,
        trainable=('head.rt_classifiers', ),
        lr=0.05),
]
