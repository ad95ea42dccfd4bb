# CIFAR-10-LT IF100 for training the generator (see the CIFAR-100-LT file).
_base_ = './cifar100lt_diffusion_bs128.py'

num_classes = 10
train_dataloader = dict(dataset=dict(type='CIFAR10LT'))
real_dataset = dict(type='CIFAR10LT')
val_dataloader = dict(
    dataset=dict(num_classes=num_classes, per_class=1000))
